/** oclif's explicit command map: the bundle needs no file-system discovery. */
import Complete from './commands/__complete.js'
import Completion from './commands/completion.js'
import Diagnose from './commands/diagnose.js'
import Get from './commands/get.js'
import History from './commands/history.js'
import Logs from './commands/logs.js'
import Rollback from './commands/rollback.js'
import Rollout from './commands/rollout.js'
import RolloutStatus from './commands/rollout/status.js'
import SetImage from './commands/set-image.js'
import SetResources from './commands/set-resources.js'
import SetSecurityContext from './commands/set-security-context.js'
import Validate from './commands/validate.js'

export const COMMANDS = {
  get: Get,
  'set-image': SetImage,
  'set-resources': SetResources,
  'set-security-context': SetSecurityContext,
  rollback: Rollback,
  rollout: Rollout,
  'rollout:status': RolloutStatus,
  history: History,
  validate: Validate,
  logs: Logs,
  diagnose: Diagnose,
  completion: Completion,
  __complete: Complete,
}
