import { Injectable } from '@nestjs/common';
import type { AuditAction } from '../../audit/audit-action';
import { AuditReader } from '../../audit/audit-reader.service';
import type { AuditEvent } from '../../audit/audit-entry';
import { Keyset, Page, cursorField } from '../../common/http/pagination';
import { STAGE_CHANGING_ACTIONS, StageChange, StagesAt, stagesAt, stagesOf } from './stage-history';

// The registry.* actions join the AuditAction enum with the drift watcher; the store filters on the text.
const ACTIONS = STAGE_CHANGING_ACTIONS as readonly string[] as AuditAction[];

/** Points after the last change of a page: its event, and its place among that event's changes. */
const CHANGE_PAGES = new Keyset<{ seq: number; index: number }>({ seq: cursorField.seq, index: cursorField.index });

/** What modelgate's audit log says about a model's stages: every change, or the state at an instant. */
@Injectable()
export class ModelHistoryService {
  constructor(private readonly audit: AuditReader) {}

  /** Which version held each stage at `at`, from every event recorded up to then. */
  async stagesAt(model: string, at: Date): Promise<StagesAt> {
    const events: AuditEvent[] = [];
    // `until` is exclusive and `at` has milliseconds at most: an event at that very instant counts.
    for await (const event of this.audit.oldestFirst({ model, actions: ACTIONS, until: new Date(at.getTime() + 1) })) events.push(event);
    return stagesAt(events, at);
  }

  /** Every stage change of `model`, newest first, keyset-paged (stable while events are appended). */
  async changes(model: string, maxResults: number, pageToken?: string): Promise<Page<StageChange>> {
    const cursor = CHANGE_PAGES.decode(pageToken);
    const found: { change: StageChange; index: number }[] = [];
    let beforeSeq = cursor ? cursor.seq + 1 : undefined;
    while (found.length <= maxResults) {
      const batch = await this.audit.newestBefore({ model, actions: ACTIONS }, beforeSeq, maxResults + 1);
      for (const event of batch) {
        stagesOf(event).changes.forEach((change, index) => {
          if (!cursor || event.seq !== cursor.seq || index > cursor.index) found.push({ change, index });
        });
      }
      if (batch.length <= maxResults) break;
      beforeSeq = batch[batch.length - 1].seq;
    }
    const page = CHANGE_PAGES.page(found, maxResults, (last) => ({ seq: last.change.seq, index: last.index }));
    return { ...page, items: page.items.map((f) => f.change) };
  }
}
