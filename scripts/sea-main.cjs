// The standalone executable's main script: the plugin's bundle is an SEA asset, run through the same code cache as
// npm's bin. Node 20 gives an SEA's main script a require() for built-ins only; esbuild inlines bin/code-cache.cjs.
'use strict'
const {getAsset} = require('node:sea')
const {createRequire} = require('node:module')
const {runCached} = require('../bin/code-cache.cjs')

const source = getAsset('cli.cjs', 'utf8')
runCached(source, process.execPath, createRequire(process.execPath), 'standalone', require('node:crypto').createHash('sha1').update(source).digest('hex').slice(0, 16))
