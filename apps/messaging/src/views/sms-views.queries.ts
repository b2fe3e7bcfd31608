import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AttentionReason,
  ConversationPageRequest,
  decodeCursor,
  DomainError,
  encodeCursor,
  GlobalSmsRow,
  MarkConversationReadRequest,
  OptChange,
  RoutedMessageView,
  SearchSmsRequest,
  StudentMessagesRequest,
  TileRow,
} from '@fidelis/contracts';
import { POSSIBLE_OPT_OUT } from '@fidelis/sms';
import { MessageRow, toMessageView } from '../messages/message-row';

/**
 * Inbound messages nobody owns (no student, unknown or ambiguous; no holder of the number) or
 * flagged as a possible opt-out for staff to decide. Word for word the predicate of the partial
 * index messages_needing_attention (migration Consent1764240001300), so the planner uses it.
 */
export const NEEDS_ATTENTION_SQL =
  "direction = 'inbound' AND (student_id IS NULL OR staff_id IS NULL OR 'possible-opt-out' = ANY (flags))";

/** Marks around the words of a body that matched a search (private-use characters, never in SMS). */
const MATCH_START = '\uE000';
const MATCH_END = '\uE001';

interface RoutedRow extends MessageRow {
  contact_phone: string | null;
  ambiguous: boolean;
  candidate_student_ids: string[];
  opt_change: OptChange | null;
}

const DEFAULT_PAGE = 50;
/** Up to this many matches a full-text search sorts its hits; beyond, it walks the time index. */
const RARE_HITS = 2_000;

/** Why a message needs attention (see NEEDS_ATTENTION_SQL), the number's holder first. */
function attentionOf(row: RoutedRow): AttentionReason | null {
  if (row.direction !== 'inbound') return null;
  if (row.staff_id === null) return 'no-holder';
  if (row.student_id === null) return row.ambiguous ? 'ambiguous' : 'unknown-sender';
  // Who it belongs to comes first; then whether it asked to stop.
  return row.flags?.includes(POSSIBLE_OPT_OUT) ? 'possible-opt-out' : null;
}

/** The distinct words between the marks of `ts_headline`, as the body writes them. */
function matchedWords(headline: string | null): string[] {
  if (!headline) return [];
  const marked = new RegExp(`${MATCH_START}([^${MATCH_END}]*)${MATCH_END}`, 'g');
  return [...new Set([...headline.matchAll(marked)].map((match) => match[1]))];
}

function routedView(row: RoutedRow): RoutedMessageView {
  return {
    ...toMessageView(row),
    ambiguous: row.ambiguous,
    candidateStudentIds: row.candidate_student_ids,
    optChange: row.opt_change,
  };
}

/** The dashboard's views of the message store: the SMS tile, the global tab, a student's history. */
@Injectable()
export class SmsViewsQueries {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One row per conversation of the staff member (replies routed to them, messages they sent),
   * by the other party's phone, newest first, with the inbound messages they have not read.
   */
  async tile(staffId: string): Promise<TileRow[]> {
    const rows = await this.dataSource.query<
      (RoutedRow & {
        unread_count: number;
        conversation_student_id: string | null;
        student_name: string | null;
      })[]
    >(
      `SELECT last.*, unread.n AS unread_count, who.student_id AS conversation_student_id,
              s.name AS student_name
         FROM (SELECT DISTINCT ON (contact_phone) *
                 FROM messaging.messages
                WHERE staff_id = $1 AND contact_phone IS NOT NULL
                ORDER BY contact_phone, created_at DESC, id DESC) last
         LEFT JOIN messaging.conversation_reads r
           ON r.staff_id = $1 AND r.contact_phone = last.contact_phone
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS n FROM messaging.messages m
            WHERE m.staff_id = $1 AND m.contact_phone = last.contact_phone
              AND m.direction = 'inbound' AND m.created_at > coalesce(r.read_at, '-infinity')) unread
         LEFT JOIN LATERAL (
           SELECT m.student_id FROM messaging.messages m
            WHERE m.staff_id = $1 AND m.contact_phone = last.contact_phone
              AND m.student_id IS NOT NULL
            ORDER BY m.created_at DESC LIMIT 1) who ON true
         LEFT JOIN messaging.students s ON s.student_id = who.student_id
        ORDER BY last.created_at DESC, last.id DESC`,
      [staffId],
    );
    return rows.map((row) => ({
      studentId: row.conversation_student_id,
      contactPhone: row.contact_phone as string,
      studentName: row.student_name,
      lastMessage: routedView(row),
      unreadCount: row.unread_count,
      updatedAt: row.created_at.toISOString(),
    }));
  }

  /** A page of the messages between the staff member's number and one phone, oldest first. */
  conversation(request: ConversationPageRequest): Promise<RoutedMessageView[]> {
    if (request.everyone)
      return this.threadPage('contact_phone = $1', [request.contactPhone], request);
    return this.threadPage(
      'staff_id = $1 AND contact_phone = $2',
      [request.staffId, request.contactPhone],
      request,
    );
  }

  /** Everything in the conversation up to now counts as read. */
  async markRead(
    request: MarkConversationReadRequest,
  ): Promise<{ contactPhone: string; readAt: string }> {
    const rows = await this.dataSource.query<{ read_at: Date }[]>(
      `INSERT INTO messaging.conversation_reads (staff_id, contact_phone, read_at)
       VALUES ($1, $2, now())
       ON CONFLICT (staff_id, contact_phone) DO UPDATE
         SET read_at = greatest(conversation_reads.read_at, excluded.read_at)
       RETURNING read_at`,
      [request.staffId, request.contactPhone],
    );
    return { contactPhone: request.contactPhone, readAt: rows[0].read_at.toISOString() };
  }

  /**
   * Every message, newest first, filtered; `q` is full-text search over bodies (the GIN-indexed
   * `search` column). Keyset pages: new arrivals never shift a page.
   */
  async search(
    request: SearchSmsRequest,
  ): Promise<{ items: GlobalSmsRow[]; nextBefore: string | null }> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const q = request.q?.trim();
    if (q) where.push(`search @@ websearch_to_tsquery('english', ${param(q)})`);
    if (request.studentId) where.push(`student_id = ${param(request.studentId)}`);
    if (request.staffId) where.push(`staff_id = ${param(request.staffId)}`);
    if (request.direction) where.push(`direction = ${param(request.direction)}`);
    if (request.status) where.push(`status = ${param(request.status)}`);
    if (request.attention) where.push(NEEDS_ATTENTION_SQL);
    if (request.since) where.push(`created_at >= ${param(request.since)}::timestamptz`);
    if (request.until) where.push(`created_at < ${param(request.until)}::timestamptz`);
    if (request.before) {
      const cursor = decodeCursor(request.before, 2);
      if (!cursor)
        throw new DomainError('INVALID_INPUT', 'before: not a cursor this list gave out');
      where.push(
        `(created_at, id) < (${param(cursor[0])}::timestamptz, ${param(cursor[1])}::uuid)`,
      );
    }
    const conditions = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const rows = q
      ? await this.fullTextPage(conditions, params, limit + 1)
      : await this.dataSource.query<RoutedRow[]>(
          `SELECT * FROM messaging.messages ${conditions}
            ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
          params,
        );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const names = await this.namesOf(page);
    const headlines = q ? await this.headlines(page, q) : new Map<string, string>();
    return {
      items: page.map((row) => ({
        ...routedView(row),
        studentName: (row.student_id && names.students[row.student_id]) || null,
        staffName: (row.staff_id && names.staff[row.staff_id]) || null,
        attention: attentionOf(row),
        matches: matchedWords(headlines.get(row.id) ?? null),
      })),
      nextBefore:
        rows.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
    };
  }

  /** Each body of the page with the words that match `q` marked, by message id. */
  private async headlines(rows: RoutedRow[], q: string): Promise<Map<string, string>> {
    const marked = await this.dataSource.query<{ id: string; headline: string }[]>(
      `SELECT m.id, ts_headline('english', m.body, websearch_to_tsquery('english', $2), $3)
                AS headline
         FROM unnest($1::uuid[], $4::text[]) AS m(id, body)`,
      [
        rows.map((row) => row.id),
        q,
        `StartSel=${MATCH_START},StopSel=${MATCH_END},HighlightAll=true`,
        rows.map((row) => row.body),
      ],
    );
    return new Map(marked.map((row) => [row.id, row.headline]));
  }

  /** The names of the page's students and staff members, from messaging's directory copy. */
  private async namesOf(
    rows: RoutedRow[],
  ): Promise<{ students: Record<string, string>; staff: Record<string, string> }> {
    const [names] = await this.dataSource.query<
      { students: Record<string, string>; staff: Record<string, string> }[]
    >(
      `SELECT (SELECT coalesce(jsonb_object_agg(student_id, name), '{}') FROM messaging.students
                WHERE student_id = ANY($1)) AS students,
              (SELECT coalesce(jsonb_object_agg(staff_id, name), '{}') FROM messaging.staff
                WHERE staff_id = ANY($2)) AS staff`,
      [
        [...new Set(rows.flatMap((row) => row.student_id ?? []))],
        [...new Set(rows.flatMap((row) => row.staff_id ?? []))],
      ],
    );
    return names;
  }

  /**
   * A page of a full-text search, newest first, fast whether the words are rare or common.
   * Postgres cannot estimate how many bodies match a query (it guesses 0.5 %), so it would walk
   * the time index past a million rows for a rare word, or sort hundreds of thousands of hits for
   * a common one. Instead: count the hits with the GIN index alone, up to RARE_HITS; few hits are
   * sorted, many are found quickly by walking the time index.
   */
  private async fullTextPage(
    conditions: string,
    params: unknown[],
    take: number,
  ): Promise<RoutedRow[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      await manager.query('SET LOCAL enable_indexscan = off');
      const [{ hits }] = await manager.query<{ hits: number }[]>(
        `SELECT count(*)::int AS hits
           FROM (SELECT 1 FROM messaging.messages ${conditions} LIMIT ${RARE_HITS}) matching`,
        params,
      );
      if (hits < RARE_HITS) {
        return manager.query<RoutedRow[]>(
          `WITH matching AS MATERIALIZED (SELECT * FROM messaging.messages ${conditions})
           SELECT * FROM matching ORDER BY created_at DESC, id DESC LIMIT ${take}`,
          params,
        );
      }
      await manager.query('SET LOCAL enable_indexscan = on');
      await manager.query('SET LOCAL enable_bitmapscan = off');
      return manager.query<RoutedRow[]>(
        `SELECT * FROM messaging.messages ${conditions}
          ORDER BY created_at DESC, id DESC LIMIT ${take}`,
        params,
      );
    });
  }

  /**
   * A page of every SMS both ways with the student, with the email that carried any that SMS
   * could not, oldest first.
   */
  studentHistory(request: StudentMessagesRequest): Promise<RoutedMessageView[]> {
    return this.threadPage('student_id = $1', [request.studentId], request);
  }

  /**
   * The newest `limit` messages matching `where` that are older than the message `before`, in
   * the order they were written (every one without `limit`). An unknown `before` gives none.
   */
  private async threadPage(
    where: string,
    params: unknown[],
    { before, limit }: { before?: string; limit?: number },
  ): Promise<RoutedMessageView[]> {
    const olderThan = before
      ? `AND (created_at, id) < (SELECT created_at, id FROM messaging.messages WHERE id = $${params.length + 1})`
      : '';
    const rows = await this.dataSource.query<RoutedRow[]>(
      `SELECT * FROM messaging.messages WHERE ${where} ${olderThan}
        ORDER BY created_at DESC, id DESC ${limit ? `LIMIT ${limit}` : ''}`,
      before ? [...params, before] : params,
    );
    return rows.reverse().map(routedView);
  }
}
