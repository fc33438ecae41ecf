import { promises as fs } from 'node:fs';

/**
 * Settings that can live in the collector's config file instead of flags.
 *
 * @public
 */
export type CollectorConfig = {
  /** Backend base URL for `push`. */
  url?: string;
  /** Identity put on pushed records (an email or another identity of a catalog User). */
  identity?: string;
  /** Provider put on pushed records (`firstParty`, `bedrock`, `vertex`, ...). */
  provider?: string;
};

/**
 * Reads the JSON config file; a missing file is an empty config. Only known string fields are
 * taken.
 *
 * @public
 */
export async function loadCollectorConfig(
  path: string,
): Promise<CollectorConfig> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error: any) {
    if (error?.code === 'ENOENT') {
      return {};
    }
    throw error;
  }
  const value = JSON.parse(text);
  const pick = (name: keyof CollectorConfig) =>
    typeof value?.[name] === 'string' && value[name] !== ''
      ? (value[name] as string)
      : undefined;
  return {
    url: pick('url'),
    identity: pick('identity'),
    provider: pick('provider'),
  };
}
