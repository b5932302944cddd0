import { block, bold, icon, mention, text } from '../builder.js';
import type { DemoContext } from './demo-context.js';

/** "Lessons learnt": what worked, what we would change, and a page with a path-like title. */
export function addLessonsSection(ctx: DemoContext): void {
  const { b, pages: p, users } = ctx;
  b.page({
    id: p.lessons,
    parent: p.root,
    title: 'Lessons learnt',
    icon: icon.emoji('🧠'),
    children: [block.paragraph('Honest notes for whoever runs a programme like this next. Add to them whenever something surprises you.')],
  });
  b.page({
    id: p.worked,
    parent: p.lessons,
    title: 'Lessons learnt: what worked',
    icon: icon.emoji('👍'),
    children: [
      block.bullet([bold('Childcare. '), text('Offering it at evening sessions doubled the number of women in Berlin and London.')]),
      block.bullet([bold('Peer cases. '), text('Participants rated the peer case the most useful part of every circle, every cohort.')]),
      block.bullet([bold('Local lenders in the room. '), text('When a loan officer joined the finance circle, applications followed within weeks.')]),
      block.bullet([bold('Interpreters as co-facilitators. '), text('Briefing interpreters on the exercise beforehand made them part of the team.')]),
      block.quote('“I came for the certificate and stayed for the people.” — graduate, Amsterdam'),
    ],
  });
  b.page({
    id: p.differently,
    parent: p.lessons,
    title: 'What we would do differently',
    icon: icon.emoji('🔁'),
    children: [
      block.numbered('Translate less, interpret more: the written toolkit was read far less than we expected, while every interpreted session was full.'),
      block.numbered(['Plan the end from the start. We began the archive only in the last year — see ', mention.page(p.archivePlan), '.']),
      block.numbered(['Keep the partner list current. When a partner leaves, update the database the same week (ask ', mention.user(users.coordinator), ').']),
    ],
  });
  b.page({
    id: p.passwd,
    parent: p.lessons,
    title: '../../etc/passwd',
    icon: icon.emoji('🛡️'),
    children: [
      block.paragraph('This page’s title looks like a file path on purpose. An export tool that names files after page titles must never write outside its own folder, whatever the title says.'),
      block.paragraph('Lesson: test your tools with the strangest content you have before you rely on them.'),
    ],
  });
}
