export { main } from './main.js';
export type { Io } from './main.js';
export { builtinModels, findModel } from './registry.js';
