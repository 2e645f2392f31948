import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer) in the dev server and preview.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    react(),
    // Offline PWA: the service worker precaches the app shell, the engine worker, pdf.js and the ONNX Runtime
    // wasm (~27 MB, hence the raised limit), so the app opens with the network off. Model files are cached by
    // transformers.js itself (Cache Storage) on first use; self-hosted models under /models/ are not precached.
    VitePWA({
      injectRegister: 'script',
      registerType: 'autoUpdate',
      manifest: false, // public/manifest.webmanifest
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,wasm,webmanifest}'],
        globIgnores: ['models/**'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/models\//],
        // Take over the first page load too, so "works offline" holds from the first visit.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
});
