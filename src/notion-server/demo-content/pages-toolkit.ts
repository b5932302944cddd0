import { block, bold, code, icon, inlineEquation, italic, link, mention, text } from '../builder.js';
import type { DemoContext } from './demo-context.js';
import { notionLink } from './notion-links.js';

/** "Open Toolkit": five modules, worksheets, facilitator notes down to six levels below the root. */
export function addToolkitSection(ctx: DemoContext): void {
  const { b, pages: p, users, media, anchors } = ctx;
  b.page({
    id: p.toolkit,
    parent: p.root,
    title: 'Open Toolkit',
    icon: icon.file(media.toolkitIcon),
    cover: { url: 'https://images.magnet-network.example.org/toolkit-cover.jpg' },
    children: [
      block.paragraph('The Open Toolkit is the set of worksheets, guides and slides that Academy facilitators use, published under CC BY-SA 4.0 so that anyone can reuse it. Each module can be used on its own.'),
      block.tableOfContents(),
      block.heading(2, 'Modules'),
      block.paragraph('Module 1 starts from the idea; modules 2 to 5 can be taken in any order.'),
      block.image({ url: 'https://images.magnet-network.example.org/toolkit-overview.png' }, 'How the five modules fit together'),
      block.heading(2, 'Reusing the toolkit', [
        block.paragraph('You may copy, translate and adapt everything. Please credit "MAGNET Network" and share your adaptation under the same licence.'),
      ]),
      block.syncedReference(anchors.helpdeskOriginal),
    ],
  });

  // Module 1 holds the deepest branch of the wiki: toolkit → module → worksheet → notes → variations → scripts.
  b.page({
    id: p.mod1,
    parent: p.toolkit,
    title: 'Module 1: From idea to business model',
    icon: icon.emoji('💡'),
    children: [
      block.paragraph('Most participants arrive with a product in mind. This module helps them find out whether someone will pay for it, before they spend their savings.'),
      block.heading(2, 'Learning outcomes'),
      block.bullet('Describe a customer segment in concrete terms', [
        block.bullet('who they are, where they buy, what they pay today', [
          block.bullet('at least one real person the participant has spoken to'),
          block.bullet('one competitor the customer already uses'),
        ]),
      ]),
      block.bullet('Test an assumption with ten conversations'),
      block.bullet('Write a one-paragraph value proposition'),
      block.heading(3, 'Time needed'),
      block.paragraph(['Two circles of 2½ hours, plus about ', bold('four hours'), ' of interviews between them.']),
    ],
  });
  b.page({
    id: p.ws11,
    parent: p.mod1,
    title: 'Worksheet 1.1: Value proposition canvas',
    icon: icon.emoji('🗺️'),
    children: [
      block.paragraph('Print the canvas on A3, one per participant. Work in pencil: the first version is always wrong.'),
      block.pdf({ fileId: media.canvasPdf }, 'The canvas as a printable PDF'),
      block.heading(3, 'Steps'),
      block.todo('Describe the customer’s jobs, pains and gains', false),
      block.todo('List your products and services', false),
      block.todo('Connect each pain to a pain reliever — or strike it out', false),
      block.toggle('Example: a Syrian bakery in Vienna', [
        block.paragraph('Customer: office workers near Westbahnhof who want a quick, filling lunch under €8. Pain: sandwiches are boring; restaurants take too long. Gain: something warm and new each week.'),
        block.paragraph('Product: manakish baked to order in four minutes, with a weekly special.'),
      ]),
    ],
  });
  b.page({
    id: p.facNotes,
    parent: p.ws11,
    title: 'Facilitator notes',
    icon: icon.emoji('🧑‍🏫'),
    children: [
      block.callout('Participants often fill the canvas with what they wish were true. Ask “who told you that?” for every pain.', icon.customEmoji(media.magnetEmoji, 'magnet')),
      block.numbered('Show a filled example first (the bakery works well).'),
      block.numbered('Give 20 minutes of silent work before any discussion.'),
      block.numbered('Pair people from different sectors for feedback.'),
      block.quote('The canvas is a conversation starter, not a deliverable.'),
    ],
  });
  b.page({
    id: p.onlineVariations,
    parent: p.facNotes,
    title: 'Variations for online delivery',
    icon: icon.emoji('💻'),
    children: [
      block.paragraph('Online circles lose the A3 sheet on the table. Choose one of the set-ups below, depending on the group’s devices.'),
      block.raw('tab', {}, [
        block.paragraph('Whiteboard', [block.paragraph('Use a shared whiteboard with the canvas as background. Works when everyone has a laptop.')]),
        block.paragraph('Phone only', [block.paragraph('Participants photograph a paper canvas and post it in the chat; feedback happens by voice.')]),
        block.paragraph('Hybrid', [block.paragraph('One facilitator in the room, one online; pair each online participant with someone in the room.')]),
      ]),
    ],
  });
  b.page({
    id: p.breakoutScripts,
    parent: p.onlineVariations,
    title: 'Breakout room scripts',
    icon: icon.emoji('🗣️'),
    children: [
      block.paragraph('Paste these into the breakout-room broadcast at the times shown.'),
      block.code('00:00  Introduce yourselves: name, business idea in one sentence.\n00:05  Person A presents their canvas (3 minutes, no interruptions).\n00:08  Others ask "who told you that?" for each pain.\n00:15  Swap.', 'plain text', 'Broadcast script, 25-minute rooms'),
      block.toggle('If a room falls silent', [block.paragraph('Ask the person with the earliest birthday to start. It sounds silly; it works.')]),
    ],
  });
  b.page({
    id: p.ws12,
    parent: p.mod1,
    title: 'Worksheet 1.2: Customer interviews',
    icon: icon.emoji('🎤'),
    children: [
      block.paragraph('Ten conversations with potential customers, each under 15 minutes. Never pitch during an interview.'),
      block.bullet('Ask about the past, not the future: “When did you last…?”'),
      block.bullet('Ask for numbers: how often, how much, how long'),
      block.bullet('Write down quotes, not your interpretation'),
    ],
  });

  b.page({
    id: p.mod2,
    parent: p.toolkit,
    title: 'Module 2: Finance and microcredit',
    icon: icon.emoji('💶'),
    children: [
      block.paragraph(['Written with ', mention.user(users.mfc), ' and the lenders of the Microfinance Centre network. It covers budgeting, pricing, bookkeeping and how to apply for a microloan.']),
      block.heading(2, 'Break-even in one line'),
      block.paragraph(['A business breaks even when ', inlineEquation('Q^* = \\frac{F}{p - v}'), ' units are sold, where F is fixed costs, p the price and v the variable cost per unit.']),
      block.file({ fileId: media.budgetCsv }, 'academy-budget-2025.csv', 'Example budget used in the pricing exercise (CSV)'),
    ],
  });
  b.page({
    id: p.qaFunding,
    parent: p.mod2,
    title: 'Q&A: Funding / Grants',
    icon: icon.emoji('❓'),
    children: [
      block.paragraph('Questions participants ask most often about money, with the answers our finance partners gave.'),
      block.heading(2, 'Grants', [
        block.toggle('Are there grants for migrant founders?', [block.paragraph('Some cities have start-up grants open to all residents, including newcomers. National grants often require a residence permit valid for at least a year.')]),
        block.toggle('Do I have to pay a grant back?', [block.paragraph('No — unless you do not use it for the agreed purpose. Keep every receipt.')]),
      ]),
      block.heading(2, 'Loans', [
        block.toggle('Can I get a loan without a credit history?', [block.paragraph(['Microlenders look at your plan and references rather than a credit score. Start with the ', mention.page(p.microcredit), '.'])]),
      ]),
      block.heading(3, 'Still unsure?', [block.paragraph('Book a free call with a finance mentor through the helpdesk.')]),
    ],
  });
  b.page({
    id: p.microcredit,
    parent: p.mod2,
    title: 'Microcredit readiness checklist',
    icon: icon.emoji('✅'),
    children: [
      block.paragraph('Go through this list before the first meeting with a lender. Tick what you already have.'),
      block.todo('Residence and work permit allow self-employment', true),
      block.todo('Business plan with a 12-month cash-flow forecast', false),
      block.todo('Two references from the local community', false),
      block.todo('Bank account in the country of activity', true),
      block.todo('Quote for the first equipment purchase', false),
      block.pdf({ fileId: media.checklistPdf }, 'Printable version'),
      block.pdf({ url: 'https://www.european-microfinance.example.org/publications/code-of-good-conduct.pdf' }, 'European Code of Good Conduct for Microcredit Provision'),
    ],
  });

  b.page({
    id: p.mod3,
    parent: p.toolkit,
    title: 'Module 3: Legal status and registration',
    icon: icon.emoji('⚖️'),
    children: [
      block.paragraph('Rules differ in every country and change often. This module explains the questions to ask; the national handbooks give the current answers.'),
      block.bullet('Does my residence permit allow self-employment?'),
      block.bullet('Sole trader or company?'),
      block.bullet('Which taxes and social contributions apply in the first year?'),
      block.paragraph(['National editions: ', mention.page(p.handbookBg), ' (Bulgarian), including ', link('how registration works in Bulgaria', notionLink.slug('Регистрация на фирма в България', p.registrationBg)), '.']),
    ],
  });
  b.page({
    id: p.handbookBg,
    parent: p.mod3,
    title: 'Наръчник за предприемачи',
    icon: icon.emoji('🇧🇬'),
    children: [
      block.paragraph('Този наръчник е за хора, които искат да започнат собствен бизнес в България и не са родени тук. Той обяснява стъпките от идеята до регистрацията.'),
      block.heading(2, 'Съдържание'),
      block.numbered('Разрешение за пребиваване и право на самостоятелна заетост'),
      block.numbered('Избор на правна форма: ЕТ или ЕООД'),
      block.numbered('Данъци и осигуровки'),
      block.pdf({ fileId: media.handbookPdf }, 'Пълният наръчник (PDF)'),
    ],
  });
  b.page({
    id: p.registrationBg,
    parent: p.handbookBg,
    title: 'Регистрация на фирма в България',
    children: [
      block.paragraph('Регистрацията става в Търговския регистър към Агенцията по вписванията, онлайн или на място.'),
      block.numbered('Проверете дали името на фирмата е свободно.'),
      block.numbered('Подгответе учредителния акт и декларациите.'),
      block.numbered('Внесете капитала (за ЕООД — минимум 1 евро) в банка.'),
      block.numbered('Подайте заявлението и платете таксата.'),
    ],
  });

  b.page({
    id: p.mod4,
    parent: p.toolkit,
    title: 'Module 4: Digital marketing on a shoestring',
    icon: icon.emoji('📣'),
    children: [
      block.paragraph('Most Academy businesses sell to their own community first. This module starts from the channels participants already use — WhatsApp, Instagram, Facebook groups — before websites and ads.'),
      block.video({ url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' }, 'Recording: “Selling on Instagram”, Academy session, Bucharest'),
      block.embed('https://www.figma.com/embed?embed_host=notion&url=https://www.figma.com/file/magnet-social-templates', 'Social media templates (Figma)'),
      block.bookmark('https://www.canva.com/templates/', 'Free design templates — the ones participants use most.'),
      block.code(
        'https://wa.me/436601234567?text=Hello%2C%20I%20saw%20your%20menu%20on%20Instagram',
        'plain text',
        [text('A '), code('wa.me'), text(' link with a pre-filled message')],
      ),
    ],
  });
  b.page({
    id: p.mod5,
    parent: p.toolkit,
    title: 'Module 5: Hiring your first employee',
    icon: icon.emoji('🧑‍🤝‍🧑'),
    children: [
      block.paragraph('Hiring the first person is the biggest step after registration. This module covers contracts, payroll and being a fair employer.'),
      block.heading(4, 'Typical monthly employer costs on top of gross salary'),
      block.table(
        [
          ['Country', 'Employer contributions', 'Note'],
          ['Austria', '≈ 21 %', 'plus 13th and 14th salary'],
          ['Germany', '≈ 21 %', 'mini-job rules differ'],
          ['Poland', '≈ 20 %', 'depends on contract type'],
          ['Bulgaria', '≈ 19 %', ''],
        ],
        { columnHeader: true },
      ),
      block.file({ url: 'https://toolkit.magnet-network.example.org/downloads/employment-contract-template.docx' }, 'employment-contract-template.docx', 'Contract template (Word, external)'),
      block.paragraph([italic('Figures are indicative for 2025; check with a tax adviser.')]),
    ],
  });
}
