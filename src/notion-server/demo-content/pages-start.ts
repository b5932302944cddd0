import { block, bold, icon, italic, link, mention, text } from '../builder.js';
import type { DemoContext } from './demo-context.js';
import { OUTSIDE_PAGE_ID, notionLink } from './notion-links.js';

/** "Start here" and its sub-pages: the welcome, the German "about us", how to use the wiki, the glossary. */
export function addStartSection(ctx: DemoContext): void {
  const { b, pages: p, users, media, anchors } = ctx;
  b.page({
    id: p.start,
    parent: p.root,
    title: 'Start here',
    icon: icon.emoji('👋'),
    children: [
      block.breadcrumb(),
      block.heading(1, 'Welcome to the MAGNET wiki'),
      block.paragraph([
        bold('MAGNET'),
        text(' — Migrant Acceleration for Growth – Network for Entrepreneurship Training — is a European network of universities, microfinance and social-enterprise organisations that help migrants and refugees start and grow businesses. This wiki is where the consortium keeps everything it produces: the '),
        link('Open Toolkit', notionLink.slug('Open Toolkit', p.toolkit)),
        text(', the '),
        link('Academy', notionLink.bare(p.academy)),
        text(' peer-learning programme, meeting notes, events and what we learnt along the way.'),
      ]),
      block.columns([
        [block.image({ fileId: media.magnetLogo }, 'The MAGNET logo (use it on every deliverable)'), block.paragraph([italic('Logo files in all formats are in the brand kit.')])],
        [
          block.heading(3, 'New to the project?'),
          block.paragraph(['Read ', link('How to use this wiki', notionLink.dashed(p.howTo)), ', then the ', mention.page(p.roles), ' page to see who does what.']),
        ],
        [
          block.heading(3, 'Quick links'),
          block.bullet(link('Glossary', notionLink.site('Glossary', p.glossary))),
          block.bullet(link('KPI formulas', notionLink.anchor('KPI definitions', p.kpis, anchors.kpiFormulaHeading))),
          block.bullet(link('Archive checklist', notionLink.anchor('After the funding ends: archive plan', p.archivePlan, anchors.archiveChecklist))),
        ],
      ]),
      block.divider(),
      block.syncedOriginal(anchors.helpdeskOriginal, [
        block.callout(
          [bold('Need help? '), text('Write to '), link('helpdesk@magnet-network.example.org', 'mailto:helpdesk@magnet-network.example.org'), text(' or ask '), mention.user(users.coordinator), text(' in the coordination channel. We answer within two working days.')],
          icon.emoji('🛟'),
        ),
      ]),
      block.heading(2, 'Where things are'),
      block.paragraph([
        'The budget reallocation for 2025 is discussed on a board-only page (',
        link('Board only: budget reallocation 2025', notionLink.slug('Board only budget reallocation 2025', p.boardOnly)),
        ') that is not shared with everyone. If the link does not open for you, that is expected.',
      ]),
      block.paragraph([
        'We reused the session plan format from the ',
        link('Notion community template for peer-learning circles', notionLink.slug('Peer learning circle template', OUTSIDE_PAGE_ID)),
        ', which lives in another workspace.',
      ]),
      block.bookmark('https://ec.europa.eu/social/main.jsp?catId=1148', 'The European Commission’s page on migrant entrepreneurship — the policy background of MAGNET.'),
      block.embed('https://www.openstreetmap.org/export/embed.html?bbox=-0.2%2C41.9%2C27.0%2C53.0&layer=mapnik', 'Where the partners are'),
      block.paragraph(['Our shared drive: ', mention.linkPreview('https://drive.magnet-network.example.org/shared/MAGNET')]),
    ],
  });

  b.page({
    id: p.aboutDe,
    parent: p.start,
    title: 'Über uns – Förderung für Gründerinnen',
    icon: icon.emoji('🇩🇪'),
    children: [
      block.heading(2, 'Wer wir sind'),
      block.paragraph('MAGNET ist ein europäisches Netzwerk aus Hochschulen, Mikrofinanzorganisationen und Sozialunternehmen. Gemeinsam unterstützen wir Menschen mit Migrations- und Fluchterfahrung dabei, ein eigenes Unternehmen zu gründen.'),
      block.heading(2, 'Förderung für Gründerinnen'),
      block.paragraph('Frauen gründen seltener als Männer – und migrantische Gründerinnen noch seltener. In der Academy reservieren wir deshalb die Hälfte der Plätze für Frauen, bieten Kinderbetreuung während der Abendtermine an und vermitteln Mentorinnen, die selbst gegründet haben.'),
      block.bullet('Kostenlose Teilnahme an allen Academy-Terminen'),
      block.bullet('Beratung zu Mikrokrediten gemeinsam mit unseren Partnern in Warschau'),
      block.bullet(['Kontakt in Berlin: ', mention.user(users.singa)]),
      block.quote('„Ich hatte die Idee schon lange. In der Academy habe ich gelernt, sie in Zahlen zu fassen.“ – Teilnehmerin, Kohorte 3'),
    ],
  });

  b.page({
    id: p.howTo,
    parent: p.start,
    title: 'How to use this wiki',
    icon: icon.native('book', 'green'),
    children: [
      block.paragraph('Everything here is written for two audiences: the partner staff who run MAGNET today, and whoever reads the archive after the project has ended. Write for the second audience too.'),
      block.heading(2, 'Writing pages'),
      block.numbered('Find the right section first. Each section has a short introduction saying what belongs there.', [
        block.numbered('Toolkit material goes under Open Toolkit, one page per worksheet.', [
          block.numbered('Facilitator notes are sub-pages of the worksheet they belong to.'),
          block.numbered('Translations are sub-pages named in their own language.'),
        ]),
        block.numbered('Meeting notes go under Meetings, named "<kind> – <place or month>".'),
      ]),
      block.numbered('Start every page with one sentence saying what it is for.'),
      block.numbered('Link, don’t copy. Mention the page with @ so links survive renaming.'),
      block.heading(2, 'Databases'),
      block.paragraph(['The Partners, Academy Sessions, Events and Newsletter databases are the source of truth for facts; pages tell the story. The ', mention.page(p.academy), ' page explains the session database.']),
      block.heading(4, 'Things that do not export well'),
      block.paragraph('Buttons and AI blocks are Notion features without an equivalent in plain files. They stay on the page, but the archive will only list them:'),
      block.unsupported('button'),
      block.unsupported('ai_block'),
      block.heading(2, 'Before you leave the project'),
      block.todo('Move your private pages into the wiki or delete them', true),
      block.todo('Hand over your databases to the coordinator', false),
      block.todo('Check that your pages have an owner after you leave', false),
      block.linkPreview('https://github.com/magnet-network/toolkit/issues/42'),
    ],
  });

  b.page({
    id: p.glossary,
    parent: p.start,
    title: 'Glossary',
    icon: icon.emoji('📖'),
    children: [
      block.paragraph('Words we use in a specific sense. If a term is missing, add it — in alphabetical order.'),
      block.table(
        [
          ['Term', 'Meaning', 'Where it is used'],
          ['Academy', 'The peer-learning programme: cohorts of 8–20 founders meeting every one or two weeks.', 'Academy, Events'],
          ['Circle', 'One peer-learning session of a cohort, following the DELITELABS format.', 'Facilitator guide'],
          ['Cohort', 'A group of participants that starts together and meets for about three months.', 'Academy Sessions'],
          ['Micro-credential', 'A small, certified unit of learning issued by a university (eucen lead).', 'Evaluation'],
          ['Pipe |', 'Not a word we use: this row checks that a cell with a | character survives export.', 'Admin'],
          ['WP', 'Work package. MAGNET has six: WP1 management … WP6 dissemination.', 'Consortium agreement'],
        ],
        { columnHeader: true },
      ),
      block.toggle('Why "newcomer" and not "migrant"?', [
        block.paragraph('Several participants told us they dislike being called migrants after years in the country. In texts for participants we say newcomers or founders; in texts for funders we keep the programme’s official wording.'),
      ]),
    ],
  });
}
