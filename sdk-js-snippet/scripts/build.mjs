// Builds dist/farewell.min.js from src/farewell.js (npm run build), or checks that the
// committed dist is what the build makes (npm run check-dist, for CI).
// Also checks that both files parse as ES2017 and that the served file stays in budget.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { minify } from 'terser';
import { parse } from 'acorn';

const BUDGET = 2304; // bytes, gzipped
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcPath = join(root, 'src', 'farewell.js');
const distPath = join(root, 'dist', 'farewell.min.js');
const check = process.argv.includes('--check');

const source = readFileSync(srcPath, 'utf8');
const result = await minify(source, {
  ecma: 2017,
  compress: { ecma: 2017, passes: 3, unsafe_arrows: false },
  mangle: true,
  format: { ecma: 2017, comments: /^!/ },
});
const built = result.code + '\n';

for (const [name, code] of [['src/farewell.js', source], ['dist/farewell.min.js', built]]) {
  try {
    parse(code, { ecmaVersion: 2017, sourceType: 'script' });
  } catch (e) {
    console.error(`${name} is not ES2017: ${e.message}`);
    process.exit(1);
  }
}

const gzipped = gzipSync(Buffer.from(built, 'utf8'), { level: 9 }).length;
console.log(`dist/farewell.min.js: ${Buffer.byteLength(built)} bytes, ${gzipped} bytes gzipped (budget ${BUDGET})`);
if (gzipped > BUDGET) {
  console.error(`over the size budget by ${gzipped - BUDGET} bytes`);
  process.exit(1);
}

if (check) {
  let committed = '';
  try {
    committed = readFileSync(distPath, 'utf8');
  } catch (e) {
    // missing counts as stale
  }
  if (committed !== built) {
    console.error('dist/farewell.min.js is stale: run `npm run build` and commit the result');
    process.exit(1);
  }
  console.log('dist/farewell.min.js is up to date');
} else {
  mkdirSync(dirname(distPath), { recursive: true });
  writeFileSync(distPath, built);
}
