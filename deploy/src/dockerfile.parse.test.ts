import { parseDockerfile } from './dockerfile';

describe('parseDockerfile', () => {
  const stages = parseDockerfile(`# syntax=docker/dockerfile:1
ARG IMAGE=node:20-bookworm-slim
FROM \${IMAGE} AS base
ENV NODE_ENV=production A="x y"
COPY <<'EOF' /probe.mjs
FROM not-a-stage AS ignored
EOF
USER 1000:1000
FROM base AS app
ENV PORT=3002
EXPOSE 3002
HEALTHCHECK --interval=5s \\
  CMD node /probe.mjs "http://127.0.0.1:\${PORT}/health"
CMD ["node", "app/dist/main.js"]
`);

  it('reads stages, substituting ARG defaults and inheriting from the parent stage', () => {
    expect(stages.map((s) => [s.name, s.from])).toEqual([
      ['base', 'node:20-bookworm-slim'],
      ['app', 'base'],
    ]);
    expect(stages[1]).toEqual({
      name: 'app',
      from: 'base',
      env: { NODE_ENV: 'production', A: 'x y', PORT: '3002' },
      user: '1000:1000',
      cmd: ['node', 'app/dist/main.js'],
      expose: [3002],
      healthcheck: 'node /probe.mjs "http://127.0.0.1:${PORT}/health"',
    });
  });

  it('gives each stage its own environment', () => {
    expect(stages[0]!.env).toEqual({ NODE_ENV: 'production', A: 'x y' });
  });
});
