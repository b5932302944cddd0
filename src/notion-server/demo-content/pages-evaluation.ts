import { block, bold, code, icon, inlineEquation, link, mention, text } from '../builder.js';
import type { DemoContext } from './demo-context.js';
import { notionLink } from './notion-links.js';

/** "Evaluation and sustainability": framework, KPIs (with equations), survey results and the archive plan. */
export function addEvaluationSection(ctx: DemoContext): void {
  const { b, pages: p, users, anchors } = ctx;
  b.page({
    id: p.evaluation,
    parent: p.root,
    title: 'Evaluation and sustainability',
    icon: icon.native('chart-line', 'purple'),
    children: [
      block.paragraph(['How we measure what MAGNET achieves, and how its results will stay available after the project. Led by ', mention.user(users.coordinator), '.']),
    ],
  });
  b.page({
    id: p.framework,
    parent: p.evaluation,
    title: 'Evaluation framework',
    icon: icon.emoji('🧪'),
    children: [
      block.paragraph('We evaluate at three levels: participation (who came), learning (what changed in skills and confidence) and outcomes (businesses registered, jobs created, loans received).'),
      block.table(
        [
          ['Level', 'Instrument', 'When'],
          ['Participation', 'Attendance in Academy Sessions', 'Every session'],
          ['Learning', 'Skills self-assessment (ITHR)', 'Start and end of cohort'],
          ['Outcomes', 'Follow-up survey', '6 and 12 months after the cohort'],
        ],
        { columnHeader: true },
      ),
      block.paragraph(['Definitions and formulas: ', link('KPI definitions', notionLink.anchor('KPI definitions', p.kpis, anchors.kpiFormulaHeading)), '.']),
    ],
  });
  b.page({
    id: p.kpis,
    parent: p.framework,
    title: 'KPI definitions',
    icon: icon.emoji('📐'),
    children: [
      block.paragraph('The funder asks for five indicators. These are the exact definitions we report against.'),
      { ...block.heading(2, 'Formulas'), id: anchors.kpiFormulaHeading },
      block.paragraph(['Completion rate, where ', inlineEquation('n_c'), ' participants attended at least six of eight circles out of ', inlineEquation('n'), ' who started:']),
      block.equation('\\text{completion} = \\frac{n_c}{n} \\times 100\\,\\%'),
      block.paragraph('Confidence gain, the mean difference of the self-assessment score before and after:'),
      block.equation('\\Delta = \\frac{1}{n}\\sum_{i=1}^{n} \\left( s_i^{\\text{after}} - s_i^{\\text{before}} \\right)'),
      block.heading(2, 'Targets'),
      block.table(
        [
          ['KPI', 'Target', 'November 2025'],
          ['Sessions held', '100', '97'],
          ['Participants', '1,000', '1,046'],
          ['Completion rate', '70 %', '74 %'],
          ['Businesses registered', '150', '163'],
          ['Microloans granted', '40', '38'],
        ],
        { columnHeader: true, rowHeader: true },
      ),
    ],
  });
  b.page({
    id: p.survey,
    parent: p.evaluation,
    title: 'Impact survey 2024 – results',
    icon: icon.emoji('📊'),
    children: [
      block.paragraph('412 graduates were invited, 238 answered (58 %). The full report is in the newsletter archive (issue 6).'),
      block.bullet('61 % had registered a business within 12 months'),
      block.bullet('23 % employed at least one person besides themselves'),
      block.bullet('89 % would recommend the Academy to a friend'),
      block.callout([bold('Caveat: '), text('people who did well are more likely to answer surveys. Read these numbers as an upper bound.')], icon.emoji('⚠️')),
    ],
  });
  b.page({
    id: p.sustainability,
    parent: p.evaluation,
    title: 'Sustainability plan',
    icon: icon.emoji('🌱'),
    children: [
      block.paragraph('MAGNET’s funding ends on 30 June 2026. This plan says what continues, who pays for it and where the material lives afterwards.'),
      block.heading(2, 'What continues'),
      block.bullet('The Academy in Berlin and London, funded by the partners’ own programmes'),
      block.bullet('The mentor pool, run by TERN as part of its regular programme'),
      block.bullet('The toolkit, as an offline archive and on the partners’ websites'),
      block.heading(2, 'What ends'),
      block.bullet('This Notion workspace. Everything in it is exported first — see the archive plan below.'),
      block.paragraph(['The archive checklist is ', link('here', notionLink.anchor('After the funding ends: archive plan', p.archivePlan, anchors.archiveChecklist)), '.']),
    ],
  });
  b.page({
    id: p.archivePlan,
    parent: p.sustainability,
    title: 'After the funding ends: archive plan',
    icon: icon.emoji('🗄️'),
    children: [
      block.paragraph(['When the workspace closes, the wiki survives as a folder of Markdown and JSON files with checksums, made with ', code('notion-kb'), '. Anyone can read it without Notion.']),
      block.code('export NOTION_TOKEN=ntn_…   # from the integration page, never written to a file\nnpx notion-kb sync --config notion-kb.yaml\nnpx notion-kb verify --out ./archive', 'shell', 'Export and verify the archive'),
      block.code(
        'notion:\n  roots:\n    - https://www.notion.so/MAGNET-Network-Wiki\noutput:\n  dir: ./archive\nrequests:\n  rate: 3',
        'yaml',
        'notion-kb.yaml (the token comes from the NOTION_TOKEN environment variable, never from the file)',
      ),
      block.code('{\n  "id": "…",\n  "title": "Start here",\n  "path": "pages/magnet-network-wiki-…/start-here-….md",\n  "links": ["…"],\n  "assets": [{ "path": "assets/….png", "sha256": "…" }]\n}', 'json', 'What one page record in the archive looks like (abridged)'),
      block.code(
        "import { readFile } from 'node:fs/promises';\n\nconst latest = JSON.parse(await readFile('archive/latest.json', 'utf8'));\nconst index = JSON.parse(await readFile(`archive/${latest.path}/index.json`, 'utf8'));\nconsole.log(`${index.pages.length} pages`);",
        'typescript',
        'Reading the index from a script',
      ),
      block.code(
        "import hashlib, json, pathlib\nroot = pathlib.Path('archive')\nsnap = root / json.loads((root / 'latest.json').read_text())['path']\nfor f in json.loads((snap / 'manifest.json').read_text())['files']:\n    ok = hashlib.sha256((snap / f['path']).read_bytes()).hexdigest() == f['sha256']\n    print('ok ' if ok else 'BAD', f['path'])",
        'python',
        'Checking the hashes without notion-kb',
      ),
      {
        ...block.heading(2, 'Checklist', [
          block.todo('Export once a month from January 2026', true),
          block.todo('Keep two copies: university repository and Zenodo', false),
          block.todo('Test the archive on a computer without internet access', false),
          block.todo('Hand the archive to every partner at the final conference', false),
        ]),
        id: anchors.archiveChecklist,
      },
    ],
  });
}
