import { version } from '../package.json';

/** The facemark version (package.json), reported by serviceInfo and part of every cached answer's key. */
export const SERVICE_VERSION: string = version;
