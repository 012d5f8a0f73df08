/** oclif's explicit command map: the bundle needs no file-system discovery. */
import Get from './commands/get.js'

export const COMMANDS = {get: Get}
