import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The UI is embedded in the moebius binary and served from '/'. During development
// `MOEBIUS_URL=http://127.0.0.1:PORT npm run dev` proxies the API to a running server.
const target = process.env.MOEBIUS_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      '/api': { target, changeOrigin: false },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
  },
});
