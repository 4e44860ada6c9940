#!/bin/sh
# Installs the independent Parquet readers (DuckDB, hyparquet) pinned in
# package.json into tests/parquet/node_modules, unless the pinned versions
# are there already. Needs Node.js 18+ with npm. Exit 0 when ready.
set -u
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "parquet: node/npm are missing: the independent readers run on Node.js 18+ (Debian: apt-get install nodejs npm)" >&2
	exit 1
fi
if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)'; then
	echo "parquet: node $(node --version) is too old: the readers need Node.js 18+" >&2
	exit 1
fi
if (cd "$here" && node -e '
	const pkg = require("./package.json");
	for (const [name, want] of Object.entries(pkg.dependencies)) {
		const got = require(`./node_modules/${name}/package.json`).version;
		if (got !== want) process.exit(1);
	}' >/dev/null 2>&1); then
	exit 0
fi
echo "parquet: installing the readers (npm install in tests/parquet)" >&2
if ! (cd "$here" && npm install --no-package-lock --no-audit --no-fund --loglevel=error >&2); then
	echo "parquet: npm install failed in $here" >&2
	exit 1
fi
