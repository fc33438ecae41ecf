/*
 * Bundles the collector (src/index.ts) and its transcript scan worker (src/transcripts/scanWorker.ts)
 * with esbuild into node_modules/.cache/collector-bundle/, so that the launcher starts in tens of
 * milliseconds instead of transpiling every module on each run, and so that scans can use worker
 * threads.
 *
 * The launcher (bin/claude-code-analytics-collector) calls ensureBundle() on every run from the
 * repository: it costs a stat per bundled file and rebuilds (a few hundred ms) when one of them
 * changed, so edits to the sources (or to the workspace packages they import) are always picked
 * up. `node scripts/bundle.cjs` builds it ahead of time.
 */
const fs = require('node:fs');
const path = require('node:path');

const packageDir = path.resolve(__dirname, '..');
const outDir = path.join(
  packageDir,
  'node_modules',
  '.cache',
  'collector-bundle',
);
const manifestPath = path.join(outDir, 'manifest.json');
const ENTRIES = {
  collector: 'src/index.ts',
  scanWorker: 'src/transcripts/scanWorker.ts',
};
// Bump when the build options change.
const FORMAT = 1;

/** Paths of the bundled entry points. */
const outputs = Object.fromEntries(
  Object.keys(ENTRIES).map(name => [name, path.join(outDir, `${name}.cjs`)]),
);

/**
 * For a file of an installed package, that package's package.json: installing (another version
 * of) a package rewrites it, and watching it instead of every file keeps the check short.
 */
function packageJsonOf(file) {
  const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match ? `${match[1]}/package.json` : undefined;
}

/** True when the bundle exists and no input changed since it was built. */
function isFresh() {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    return false;
  }
  if (manifest.format !== FORMAT || manifest.node !== process.version) {
    return false;
  }
  for (const file of [...Object.values(outputs)]) {
    if (!fs.existsSync(file)) {
      return false;
    }
  }
  for (const [file, mtimeMs] of Object.entries(manifest.inputs)) {
    const stat = fs.statSync(path.resolve(packageDir, file), {
      throwIfNoEntry: false,
    });
    if (stat?.mtimeMs !== mtimeMs) {
      return false;
    }
  }
  return true;
}

/** Builds the bundle; throws with esbuild's messages when the sources do not build. */
function build() {
  // esbuild is a devDependency (the one @backstage/cli builds with): present in the repository,
  // absent from an installed package, where the launcher runs the built dist instead.
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    absWorkingDir: packageDir,
    entryPoints: ENTRIES,
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  fs.mkdirSync(outDir, { recursive: true });
  // Each file is replaced atomically, so that a concurrent run never reads half a file.
  const write = (file, contents) => {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, contents);
    fs.renameSync(temporary, file);
  };
  for (const file of result.outputFiles) {
    write(file.path, file.contents);
  }
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const watched = packageJsonOf(file) ?? file;
    inputs[watched] = fs.statSync(path.resolve(packageDir, watched)).mtimeMs;
  }
  write(
    manifestPath,
    JSON.stringify({ format: FORMAT, node: process.version, inputs }),
  );
}

/**
 * The paths of an up-to-date bundle, built first when needed; undefined when esbuild is not
 * installed. Throws when the build fails.
 */
function ensureBundle() {
  if (!isFresh()) {
    try {
      require.resolve('esbuild');
    } catch {
      return undefined;
    }
    build();
  }
  return outputs;
}

module.exports = { ensureBundle, outputs };

if (require.main === module) {
  const started = Date.now();
  build();
  console.log(`Bundled into ${outDir} in ${Date.now() - started} ms`);
}
