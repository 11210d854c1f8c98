#!/usr/bin/env bash
# Seeds demo customers, lines and loans through the public APIs (called by start.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
node -r ./tools/runtime/register.js tools/scripts/seed.ts
