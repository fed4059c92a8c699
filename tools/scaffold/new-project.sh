#!/usr/bin/env bash
# Creates the files every Nx project here has: package.json, project.json, tsconfigs and jest.
# usage: tools/scaffold/new-project.sh app|lib NAME "dep-lib dep-lib ..."
set -euo pipefail
kind=$1 name=$2 deps=${3:-}
root=$([ "$kind" = app ] && echo "apps/$name" || echo "libs/$name")
scope=$([ "$kind" = app ] && echo "scope:$name" || echo "scope:shared")
mkdir -p "$root/src"
cfg=$([ "$kind" = app ] && echo tsconfig.app.json || echo tsconfig.lib.json)
refs=""; pkgdeps=""; implicit=""
for d in $deps; do
  refs+="${refs:+, }{ \"path\": \"../../libs/$d/tsconfig.lib.json\" }"
  pkgdeps+="${pkgdeps:+, }\"@millrace/$d\": \"*\""
done
main=$([ "$kind" = app ] && echo '"main": "dist/main.js",' || echo '"main": "dist/index.js", "types": "dist/index.d.ts",')
cat > "$root/package.json" <<J
{ "name": "@millrace/$name", "version": "0.1.0", "private": true, $main
  "dependencies": { $pkgdeps } }
J
cat > "$root/$cfg" <<J
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.spec.ts", "src/**/*.test.ts"],
  "references": [$refs]
}
J
cat > "$root/jest.config.cjs" <<J
module.exports = require('../../jest.preset.cjs')({ dir: __dirname });
J
cat > "$root/project.json" <<J
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "$([ "$kind" = app ] && echo application || echo library)",
  "tags": ["type:$kind", "$scope"],
  "targets": {
    "build": {
      "executor": "nx:run-commands",
      "outputs": ["{projectRoot}/dist"],
      "options": { "command": "tsc -b {projectRoot}/$cfg" }
    },
    "test": {
      "executor": "nx:run-commands",
      "options": { "command": "jest -c {projectRoot}/jest.config.cjs" }
    },
    "lint": {
      "executor": "nx:run-commands",
      "options": { "command": "eslint {projectRoot}/src" }
    }
  }
}
J
echo "created $root"
