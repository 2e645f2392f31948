import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { ocrAssets } from './scripts/vite-plugin-ocr-assets.mjs';
import {
  ISOLATION_HEADERS,
  headersFilePlugin,
  metaContentSecurityPolicy,
  securityHeaders,
} from './src/security-headers.ts';
import { parseModelHost } from './src/engine/models/model-host.ts';

export default defineConfig(({ mode }) => {
  // Where model files come from (VITE_TROVE_MODEL_HOST: the hub by default, a mirror's origin, or `self`): the CSP
  // in the meta tag, the preview server's headers and dist/_headers allow exactly that host. An invalid value stops
  // the build with the reason.
  const modelHost = parseModelHost(
    process.env.VITE_TROVE_MODEL_HOST ?? loadEnv(mode, process.cwd(), 'VITE_').VITE_TROVE_MODEL_HOST,
  );
  return {
    plugins: [
      react(),
      {
        name: 'trove-csp-meta',
        apply: 'build', // the dev server's React refresh needs an inline script
        transformIndexHtml: () => [
          {
            tag: 'meta',
            attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy(modelHost) },
            injectTo: 'head-prepend',
          },
        ],
      },
      headersFilePlugin(modelHost), // dist/_headers for static hosts
      ocrAssets(), // tesseract.js worker, core and English data under tesseract/ (same origin; precached below)
      // Offline PWA with our own service worker (src/sw/sw.ts; Workbox precaching via injectManifest). It precaches
      // the app shell, the engine worker, pdf.js and the ONNX Runtime wasm (~27 MB, hence the raised limit), so the
      // app opens with the network off from the first visit; adds COOP/COEP where the host does not (threads on any
      // static host); and waits for the user before activating a new version (registerType 'prompt': no swap under
      // the user). src/ui/client/pwa-update.ts registers it (injectRegister null). Scope, precache URLs and the navigation
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
          globPatterns: ['**/*.{js,mjs,css,html,svg,png,wasm,webmanifest,gz}'],
          // Screenshots only serve the install dialog, which needs the network anyway.
          globIgnores: ['models/**', 'icons/screenshot-*'],
          maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        },
      }),
    ],
    worker: { format: 'es' },
    // The dev server's React refresh needs inline scripts, so only isolation there; preview sends what a host should.
    server: { headers: { ...ISOLATION_HEADERS } },
    preview: { headers: { ...securityHeaders(modelHost) } },
    build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
    optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  };
});
