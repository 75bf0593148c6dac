import { execFileSync } from 'node:child_process';

// Integration and e2e tests run the built CLI, so build once before any test runs.
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
