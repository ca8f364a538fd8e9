/** Types of gen-litmus.mjs, for the TypeScript tests that import it. */
export function generateLitmus(seed: number, index: number): { name: string; text: string };
export function mulberry32(seed: number): () => number;
