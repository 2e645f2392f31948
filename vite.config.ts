import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { ocrAssets } from './scripts/vite-plugin-ocr-assets.mjs';
import { ISOLATION_HEADERS, META_CONTENT_SECURITY_POLICY, SECURITY_HEADERS, headersFilePlugin } from './src/security-headers.ts';

export default defineConfig({
  plugins: [
    react(),
    {
      name: 'trove-csp-meta',
      apply: 'build', // the dev server's React refresh needs an inline script
      transformIndexHtml: () => [
        { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
      ],
    },
    headersFilePlugin(), // dist/_headers for static hosts
    ocrAssets(), // tesseract.js worker, core and English data under tesseract/ (same origin; precached below)
    // Offline PWA: the service worker precaches the app shell, the engine worker, pdf.js and the ONNX Runtime
    // wasm (~27 MB, hence the raised limit), so the app opens with the network off. Model files are cached by
    // transformers.js itself (Cache Storage) on first use; self-hosted models under /models/ are not precached.
    VitePWA({
      injectRegister: 'script',
      registerType: 'autoUpdate',
      manifest: false, // public/manifest.webmanifest
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,wasm,webmanifest,gz}'],
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
  // The dev server's React refresh needs inline scripts, so only isolation there; preview sends what a host should.
  server: { headers: { ...ISOLATION_HEADERS } },
  preview: { headers: { ...SECURITY_HEADERS } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
});
