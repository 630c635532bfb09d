// electron-builder beforePack hook (electron-builder.yml). The ffmpeg/ffprobe npm packages ship one
// static binary per OS/arch as optional dependencies, and npm installs only the running machine's.
// An installer packed without the target's binary would install an app that cannot save a single
// clip, so refuse to pack it and say how to fix it.
const fs = require('node:fs');
const path = require('node:path');

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']; // builder-util's Arch enum order

function binaryPackages(platform, arch) {
  const a = arch === 'armv7l' ? 'arm' : arch;
  const exe = platform === 'win32' ? '.exe' : '';
  return [
    { pkg: `@ffmpeg-installer/${platform}-${a}`, file: `ffmpeg${exe}` },
    { pkg: `@ffprobe-installer/${platform}-${a}`, file: `ffprobe${exe}` },
  ];
}

/** What is missing in nodeModules for platform ('win32'|'darwin'|'linux') and arch ('x64'|'arm64'|…). */
function missingBinaries(nodeModules, platform, arch) {
  if (arch === 'universal') return [...missingBinaries(nodeModules, platform, 'x64'), ...missingBinaries(nodeModules, platform, 'arm64')];
  return binaryPackages(platform, arch)
    .filter(({ pkg, file }) => !fs.existsSync(path.join(nodeModules, pkg, file)))
    .map(({ pkg }) => pkg);
}

async function beforePack(context) {
  const platform = context.electronPlatformName;
  const arch = typeof context.arch === 'number' ? ARCH_NAMES[context.arch] : String(context.arch);
  const projectDir = context.packager?.projectDir ?? process.cwd();
  const missing = missingBinaries(path.join(projectDir, 'node_modules'), platform, arch);
  if (missing.length) {
    throw new Error(
      `Cannot pack PackWitness for ${platform}-${arch}: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed, ` +
        `so the installed app could not record. Build on a ${platform}-${arch} machine, or first run ` +
        `\`npm install --no-save --force ${missing.join(' ')}\`.`,
    );
  }
}

module.exports = beforePack;
module.exports.default = beforePack;
module.exports.missingBinaries = missingBinaries;
