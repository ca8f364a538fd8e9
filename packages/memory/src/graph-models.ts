// @kvmrace/memory/models: execution graphs and the three memory models, without the litmus reader
// (and its parser library), for the engine that explores models under weak memory: loading it
// costs a few small modules, not chevrotain.

export type { MemoryModel, MemoryModelName, ModelVerdict } from './models/model.js';
export { MEMORY_MODELS, isMemoryModelName } from './models/index.js';
export { ExecutionGraph, Skeleton, type GraphEvent } from './exec/graph.js';
export type { ThreadTrace, TraceEvent } from './exec/trace.js';
export { Tag, Kind, MARKED_TAGS } from './exec/tags.js';
