/** Turns a vocabulary (value → description) into Pothos enum values, so every value is documented. */
export function describedValues<T extends Record<string, string>>(vocabulary: T) {
  return Object.fromEntries(Object.entries(vocabulary).map(([value, description]) => [value, { description }])) as {
    [K in keyof T]: { description: string };
  };
}
