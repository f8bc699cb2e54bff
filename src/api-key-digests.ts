// The API_KEYS_FILE format, read both when the configuration is checked and when keys are loaded.

/** Lines of 64 hex digits; anything else is a configuration error naming the line. */
export function parseDigestFile(text: string): Buffer[] {
  return text.split('\n').flatMap((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return [];
    if (!/^[0-9a-fA-F]{64}$/.test(line)) throw new Error(`line ${i + 1} is not a hex sha256 digest of a key`);
    return [Buffer.from(line, 'hex')];
  });
}
