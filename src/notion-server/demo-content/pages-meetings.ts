import { block, bold, icon, mention, richText, text, type BlockInput } from '../builder.js';
import type { Id } from '../workspace-model.js';
import type { DemoContext } from './demo-context.js';

/** A meeting_notes / transcription payload as the SDK describes it (TranscriptionBlockResponse). */
function meetingPayload(opts: { title: string; start: string; end: string; attendees: Id[]; summary: Id; notes: Id; transcript: Id }) {
  return {
    title: richText(opts.title),
    status: 'notes_ready',
    children: { summary_block_id: opts.summary, notes_block_id: opts.notes, transcript_block_id: opts.transcript },
    calendar_event: { start_time: opts.start, end_time: opts.end, attendees: opts.attendees },
    recording: { start_time: opts.start, end_time: opts.end },
  };
}

/** The three child blocks a meeting_notes block points at, with the given ids. */
function meetingParts(ids: { summary: Id; notes: Id; transcript: Id }, summary: BlockInput[], notes: BlockInput[], transcript: string[]): BlockInput[] {
  return [
    { ...block.heading(3, 'Summary', summary), id: ids.summary },
    { ...block.heading(3, 'Notes', notes), id: ids.notes },
    { ...block.heading(3, 'Transcript', transcript.map((line) => block.paragraph(line))), id: ids.transcript },
  ];
}

/** "Meetings": kick-off, two partner meetings with the same title, the steering committee and monthly calls. */
export function addMeetingsSection(ctx: DemoContext): void {
  const { b, pages: p, users, anchors } = ctx;
  b.page({
    id: p.meetings,
    parent: p.root,
    title: 'Meetings',
    icon: icon.native('calendar', 'orange'),
    children: [
      block.paragraph('Agendas and minutes of partner meetings, steering committees and the monthly coordination calls. Minutes are written by the host and approved at the next meeting.'),
    ],
  });
  b.page({
    id: p.kickoff,
    parent: p.meetings,
    title: 'Kick-off meeting – Vienna, February 2024',
    icon: icon.emoji('🚀'),
    children: [
      block.paragraph(['Held on ', mention.date('2024-02-13', '2024-02-14'), ' at Danubia University, hosted by ', mention.user(users.coordinator), '. All eight partners attended; 21 people in total.']),
      block.heading(2, 'Decisions'),
      block.numbered('The Academy uses the DELITELABS circle format in all cities.'),
      block.numbered('The toolkit is published under CC BY-SA 4.0.'),
      block.numbered('Steering committee meets every quarter, online except twice a year.'),
      block.heading(2, 'Actions'),
      block.todo(['Draft the facilitator guide — ', mention.user(users.delitelabs)], true),
      block.todo(['Set up the e-learning platform — ', mention.user(users.ithr)], true),
      block.todo(['Design the newsletter template — ', mention.user(users.eucen)], true),
    ],
  });
  b.page({
    id: p.sofia1,
    parent: p.meetings,
    title: 'Partner meeting – Sofia',
    icon: icon.emoji('🇧🇬'),
    children: [
      block.paragraph(['First meeting in Sofia, ', mention.date('2024-09-24', '2024-09-25'), '. Hosted by ', mention.user(users.vuzf), '.']),
      block.bullet('Toolkit modules 1–3 reviewed line by line; 140 comments resolved'),
      block.bullet('Bulgarian handbook presented; first print run of 500 copies agreed'),
      block.bullet('Academy: Sofia cohort starts in October'),
    ],
  });
  b.page({
    id: p.sofia2,
    parent: p.meetings,
    title: 'Partner meeting – Sofia',
    icon: icon.emoji('🇧🇬'),
    children: [
      block.paragraph(['Second meeting in Sofia (mid-term review), ', mention.date('2025-03-18', '2025-03-19'), '. Yes, the title is the same as the first one — we kept it to see how the archive tells them apart.']),
      block.bullet('Mid-term indicators: 58 sessions held, 612 participants, 71 % women in Berlin and London cohorts'),
      block.bullet('Sustainability workshop: which outputs must outlive the project'),
      block.bullet('VUZF will leave after completing WP2 in September 2025'),
    ],
  });
  b.page({
    id: p.steering,
    parent: p.meetings,
    title: 'Steering committee – Q1 2025',
    icon: icon.emoji('🧑‍⚖️'),
    children: [
      block.paragraph('Online meeting, recorded with Notion AI meeting notes. The summary below was reviewed by the coordinator.'),
      block.raw(
        'meeting_notes',
        meetingPayload({
          title: 'Steering committee Q1 2025',
          start: '2025-03-04T09:00:00.000Z',
          end: '2025-03-04T10:30:00.000Z',
          attendees: [users.coordinator, users.mfc, users.singa, users.eucen],
          summary: anchors.steeringSummary,
          notes: anchors.steeringNotes,
          transcript: anchors.steeringTranscript,
        }),
        meetingParts(
          { summary: anchors.steeringSummary, notes: anchors.steeringNotes, transcript: anchors.steeringTranscript },
          [block.bullet('Budget shift of €18,000 from travel to interpreters approved'), block.bullet('Final conference fixed for June 2026 in Vienna')],
          [block.paragraph('Travel costs are 30 % under plan because many circles moved online; interpreters are 40 % over.')],
          ['Elena: Let’s start with the budget.', 'Tomasz: Warsaw has the same picture — less travel, more interpreting.', 'Aylin: For Berlin, interpreters are the reason women come at all.'],
        ),
      ),
      block.paragraph([bold('Approved'), text(' at the Q2 meeting without changes.')]),
    ],
  });
  b.page({
    id: p.calls,
    parent: p.meetings,
    title: 'Monthly coordination calls',
    icon: icon.emoji('📞'),
    children: [block.paragraph('First Tuesday of every month, 10:00 CET, 45 minutes. One page per call.')],
  });
  b.page({
    id: p.call2501,
    parent: p.calls,
    title: 'Coordination call – January 2025',
    children: [
      block.raw(
        'transcription',
        meetingPayload({
          title: 'Coordination call January 2025',
          start: '2025-01-07T09:00:00.000Z',
          end: '2025-01-07T09:45:00.000Z',
          attendees: [users.coordinator, users.ithr, users.delitelabs, users.tern],
          summary: anchors.callSummary,
          notes: anchors.callNotes,
          transcript: anchors.callTranscript,
        }),
        meetingParts(
          { summary: anchors.callSummary, notes: anchors.callNotes, transcript: anchors.callTranscript },
          [block.bullet('Platform migration finished; all facilitators have accounts')],
          [block.paragraph('Next facilitator training in April in Amsterdam.')],
          ['Nadia: The platform is live, accounts went out on Friday.', 'Joost: April works for the training.'],
        ),
      ),
    ],
  });
  b.page({
    id: p.call2502,
    parent: p.calls,
    title: 'Coordination call – February 2025',
    children: [
      block.paragraph('Short call; three partners excused because of the Brussels forum preparations.'),
      block.todo('Send the mid-term questionnaire to all cohorts', true),
      block.todo('Book rooms for the Sofia meeting', true),
      block.todo('Decide on the Demo Day venue', false),
    ],
  });
}
