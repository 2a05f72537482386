import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest, notFound } from '@txng/common';
import {
  isReceiptCursor,
  type Principal,
  RECEIPT_STATUSES,
  type ReceiptStatus,
  type ReceiptSummary,
  ReceiptsRead,
  type ReceiptView,
} from '@txng/persistence';
import { type DataSource } from 'typeorm';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ProvinceScoped, RequireRole } from '../auth/roles.decorator';
import { ReceiptDetailDto, ReceiptPageDto } from './dto/receipt.dto';
import { pageSize, queryText, SOURCE_KEY_MAX } from './paging';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What became of each webhook or poll page (hub-interface.md, "v1 additions"): a province reads its own outcomes here. */
@ApiTags('admin: receipts')
@ApiBearerAuth()
@RequireRole('viewer')
@ProvinceScoped()
@Controller('v1/admin/receipts')
export class ReceiptsController {
  private readonly read: ReceiptsRead;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.read = new ReceiptsRead(dataSource);
  }

  @Get()
  @ApiOperation({ summary: 'Receipts, newest first, without their records.' })
  @ApiOkResponse({ type: ReceiptPageDto })
  @ApiQuery({ name: 'sourceKey', required: false })
  @ApiQuery({ name: 'status', required: false, enum: RECEIPT_STATUSES })
  @ApiQuery({
    name: 'since',
    required: false,
    description: 'ISO 8601 time: only receipts received then or later.',
  })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async list(
    @CurrentPrincipal() who: Principal,
    @Query('sourceKey') sourceKey?: string,
    @Query('status') status?: string,
    @Query('since') since?: string,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: ReceiptSummary[]; nextCursor: string | null }> {
    if (status !== undefined && !(RECEIPT_STATUSES as readonly string[]).includes(status)) {
      throw badRequest(`status must be one of ${RECEIPT_STATUSES.join(', ')}.`);
    }
    const from = since === undefined ? undefined : new Date(since);
    if (
      from !== undefined &&
      (typeof since !== 'string' || since.length > 40 || Number.isNaN(from.getTime()))
    ) {
      throw badRequest('since must be an ISO 8601 time, e.g. 2026-07-01T00:00:00Z.');
    }
    if (cursor !== undefined && !isReceiptCursor(cursor)) {
      throw badRequest('cursor is not valid; pass the nextCursor of the previous page.');
    }
    return this.read.list(
      {
        sourceKey: queryText(sourceKey, 'sourceKey', SOURCE_KEY_MAX),
        status: status as ReceiptStatus | undefined,
        since: from,
        cursor,
        limit: pageSize(limit),
      },
      who.provinces,
    );
  }

  @Get(':receiptId')
  @ApiOperation({
    summary:
      "One receipt with every record's outcome, findings, conflict (the other side by province only) and portal version.",
  })
  @ApiOkResponse({ type: ReceiptDetailDto })
  async get(@Param('receiptId') receiptId: string, @CurrentPrincipal() who: Principal): Promise<ReceiptView> {
    if (!UUID.test(receiptId)) throw badRequest('receiptId is not valid; pass the id the webhook answered.');
    const receipt = await this.read.get(receiptId, who.provinces);
    if (!receipt) throw notFound(`Receipt ${receiptId}`);
    return receipt;
  }
}
