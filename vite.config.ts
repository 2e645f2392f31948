import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// The privacy promise, enforced by the browser: scripts and connections only to this site, plus model files
// from the Hugging Face hub (its downloads redirect to *.hf.co). As a <meta> tag it binds the page; as a header
// (preview server, and what a static host should send) it also binds the Web Worker, which does the fetching.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data: https://huggingface.co https://*.huggingface.co https://*.hf.co",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
].join('; ');

// Cross-origin isolation lets onnxruntime-web use threads (SharedArrayBuffer) in the dev server and preview.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    react(),
    {
      name: 'trove-csp-meta',
      apply: 'build', // the dev server's React refresh needs an inline script
      transformIndexHtml: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
      ],
    },
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
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
});
