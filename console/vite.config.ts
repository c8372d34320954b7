// The console is served by the gateway under /console (same origin as /graphql and /admin), so its
// assets are addressed from there; dist/ is built at install time (the root `prepare` script).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
});
