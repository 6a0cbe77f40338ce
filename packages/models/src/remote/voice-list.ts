/**
 * Reads a voice list in the shapes TTS servers answer: `["a", …]`, `{voices: [...]}` or
 * `{data: [...]}`, with entries as names or objects carrying `id`, `voice_id` or `name`.
 */

function voiceName(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (typeof entry !== 'object' || entry === null) return undefined;
  const fields = entry as { id?: unknown; voice_id?: unknown; name?: unknown };
  for (const value of [fields.voice_id, fields.id, fields.name])
    if (typeof value === 'string') return value;
  return undefined;
}

/** The voice names in `body`, or an empty list when it is not a voice list. */
export function readVoiceList(body: unknown): string[] {
  const wrapped = body as { voices?: unknown; data?: unknown } | null;
  const list = Array.isArray(body) ? body : (wrapped?.voices ?? wrapped?.data);
  if (!Array.isArray(list)) return [];
  return list.map(voiceName).filter((name): name is string => name !== undefined);
}
