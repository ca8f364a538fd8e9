// @kvmrace/memory: C litmus tests and memory models (SC, x86-TSO, the Linux-kernel memory model)
// over execution graphs. The lower layer @kvmrace/core builds weak-memory exploration on.

export { LitmusError } from './litmus/litmus-error.js';
export type { SourcePos } from './litmus/litmus-error.js';
export { parseLitmus } from './litmus/parse.js';
export { checkLitmus, stateLine, type CheckOptions } from './litmus/check.js';
export { litmusValidation, propositionCounts, type LitmusResult, type Observation } from './litmus/result.js';
export { formatResult } from './litmus/format.js';
export type { LitmusTest, LocationInfo, ThreadProgram } from './litmus/program.js';
export type { LitmusAst } from './litmus/ast.js';
export { PRIMITIVES } from './litmus/primitives.js';
export type { MemoryModel, MemoryModelName, ModelVerdict } from './models/model.js';
export { MEMORY_MODELS, isMemoryModelName } from './models/index.js';
export { ExecutionGraph, Skeleton, type GraphEvent } from './exec/graph.js';
export { forEachCandidate, type Candidate, type EnumerationStats } from './exec/enumerate.js';
export { Relation } from './relation/relation.js';
export { EventSet } from './relation/event-set.js';
export { Tag, Kind } from './exec/tags.js';
export { expectedObservation } from './litmus/expected.js';
export { formatSummaryTable, type SummaryRow } from './litmus/summary-table.js';
