import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The renderer is built once and served by both doors: Electron's app:// protocol and the HTTP
// server. Relative asset URLs keep it working under either origin.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    // One bundle served from the station's own disk or LAN: splitting it would buy nothing.
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
});
