export { lostUpdate } from './lost-update.js';
export type { LostUpdateState } from './lost-update.js';
export { seqcountReader } from './seqcount-reader.js';
export type { SeqcountReaderState } from './seqcount-reader.js';
