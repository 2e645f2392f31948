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
    // Offline PWA with our own service worker (src/sw/sw.ts; Workbox precaching via injectManifest). It precaches
    // the app shell, the engine worker, pdf.js and the ONNX Runtime wasm (~27 MB, hence the raised limit), so the
    // app opens with the network off from the first visit; adds COOP/COEP where the host does not (threads on any
    // static host); and waits for the user before activating a new version (registerType 'prompt': no swap under
    // the user). src/ui/pwa-update.ts registers it (injectRegister null). Scope, precache URLs and the navigation
    // fallback all follow Vite's base, so `vite build --base=/trove/` works. Model files are cached by
    // transformers.js itself (Cache Storage) on first use; self-hosted models under <base>models/ are not precached.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: null,
      registerType: 'prompt',
      manifest: false, // public/manifest.webmanifest (relative URLs, so it follows the base path too)
      injectManifest: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,wasm,webmanifest}'],
        // Screenshots only serve the install dialog, which needs the network anyway.
        globIgnores: ['models/**', 'icons/screenshot-*'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
    }),
  ],
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
});
