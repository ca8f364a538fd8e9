/** A short, stable text for a value in a trace: `true`, `5`, `P`, `{present:1,dirty:0}`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(',')}]`;
  if (value instanceof Set) return `{${[...value].map(describeValue).join(',')}}`;
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${describeValue(k)}:${describeValue(v)}`).join(',')}}`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}:${describeValue(v)}`)
      .join(',')}}`;
  }
  return String(value);
}
