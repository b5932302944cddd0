import type { WorkspaceBuilder } from '../builder.js';
import type { Id } from '../workspace-model.js';

/** The people of the MAGNET consortium who appear in the demo (the bot is the builder's own). */
export interface DemoUsers {
  coordinator: Id;
  mfc: Id;
  ithr: Id;
  singa: Id;
  delitelabs: Id;
  tern: Id;
  eucen: Id;
  vuzf: Id;
  bot: Id;
}

/** Adds the coordinator and the partner leads. */
export function addDemoUsers(b: WorkspaceBuilder): DemoUsers {
  const person = (name: string, email: string) => b.user({ name, email });
  return {
    coordinator: person('Elena Marković', 'elena.markovic@danubia-university.example.org'),
    mfc: person('Tomasz Wiśniewski', 'tomasz.wisniewski@mfc.example.org'),
    ithr: person('Nadia Haddad', 'nadia.haddad@ithr.example.org'),
    singa: person('Aylin Demir', 'aylin.demir@singa.example.org'),
    delitelabs: person('Joost van Dijk', 'joost@delitelabs.example.org'),
    tern: person('Grace Okafor', 'grace.okafor@tern.example.org'),
    eucen: person('Luc Verhoeven', 'luc.verhoeven@eucen.example.org'),
    vuzf: person('Petya Dimitrova', 'p.dimitrova@vuzf.example.org'),
    bot: b.data.botId,
  };
}
