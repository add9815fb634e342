// Internal: a JSON-safe copy of user options for a ScheduleSpec (arrays copied, undefined dropped).

export function copyOptions(options: object): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    copy[key] = Array.isArray(value) ? [...value] : value;
  }
  return copy;
}
