import { version } from '../../package.json';

/** The package's version, bundled in at build time (`council --version`). */
export const COUNCIL_VERSION: string = version;
