import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Same-origin API: in production CloudFront routes /api/* to the ALB; locally the edge
// (ops/src/taskapp_ops/edge.py) does. `npm run dev` proxies /api to a running API.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    // No inline assets: every file is content-hashed and served with an immutable cache header.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:8000' },
  },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
  },
});
