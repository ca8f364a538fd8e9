export { lostUpdate } from './lost-update.js';
export type { LostUpdateState } from './lost-update.js';
