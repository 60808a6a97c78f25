// vitest setupFiles: every test file runs with an isolated HOME and git config.
import { isolateGitEnvironment } from './git-env';

isolateGitEnvironment();
