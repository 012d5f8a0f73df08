// The parts of @kubernetes/client-node the plugin uses (credentials and TLS from a kubeconfig), in one lazily loaded
// module. scripts/build.mjs bundles this file on its own first, so that dist/cli.cjs gets it tree-shaken.
export {KubeConfig} from '@kubernetes/client-node/dist/config.js'
export {newClusters, newContexts, newUsers} from '@kubernetes/client-node/dist/config_types.js'
