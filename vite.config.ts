import { defineConfig } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) lets onnxruntime-web run on several wasm threads; without it ORT stays correct
 * on one thread (notes/platform.md). Both the dev server and `vite preview` send the headers.
 */
const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative asset URLs, so `dist/` works from any sub-path of a static host.
  base: './',
  server: { host: '127.0.0.1', port: 5173, headers: crossOriginIsolationHeaders },
  preview: { host: '127.0.0.1', headers: crossOriginIsolationHeaders },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
