import type { CommandModule } from '../program/command-module.js';
import { withJson, withModelFile } from '../program/shared-options.js';
import { listJson, listText } from './list.js';

/** `kvmrace list`: the models with their operations, fixes and variants. */
export const listCommand: CommandModule = {
  name: 'list',
  register(program, ctx) {
    withJson(withModelFile(program.command('list')))
      .description('the registered models with their operations, fixes and variants')
      .action((opts: { json?: boolean }) => {
        ctx.io.out(opts.json ? ctx.json(listJson(ctx.models())) : listText(ctx.models()));
      });
  },
};
