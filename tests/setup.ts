import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/git-repo.js';

// Every temp folder a test file made goes when the file is done, whatever the test did.
afterAll(removeTempDirs);
