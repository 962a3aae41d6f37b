// Which field a validation error or an API issue is about: `/urgency`, `output.urgency`, `output/urgency/0`.
export function fieldOfPath(path: string): string | null {
  const parts = path.split(/[./]/).filter(Boolean);
  if (parts[0] === 'output' || parts[0] === 'set') parts.shift();
  else if (parts[0] === 'rule' && parts[1] === 'set') parts.splice(0, 2);
  return parts[0] ?? null;
}
