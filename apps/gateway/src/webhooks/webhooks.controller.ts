import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WebhookIntakeService } from '@txng/connectors';
import { type Request, type Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { readRawBody } from './raw-body';

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(' ') : value;
};

@ApiTags('webhooks')
@Public() // each delivery proves itself with its source's signature (WebhookIntakeService)
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Post(':sourceKey')
  @HttpCode(202)
  @ApiOperation({
    summary: "A provincial system pushes records in its source's format, signed per Standard Webhooks.",
  })
  @ApiHeader({ name: 'webhook-id', required: true })
  @ApiHeader({ name: 'webhook-timestamp', required: true })
  @ApiHeader({ name: 'webhook-signature', required: true })
  async receive(
    @Param('sourceKey') sourceKey: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ receiptId: string; records: number }> {
    const result = await this.intake.receive({
      sourceKey,
      contentType: header(req, 'content-type'),
      headers: {
        'webhook-id': header(req, 'webhook-id'),
        'webhook-timestamp': header(req, 'webhook-timestamp'),
        'webhook-signature': header(req, 'webhook-signature'),
      },
      // The peer's address (no proxy is trusted; docs/ingest.md says what that means behind one).
      clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      readBody: (limit) => readRawBody(req, limit),
    });
    if (result.replay) res.setHeader('Webhook-Replayed', 'true');
    return { receiptId: result.receiptId, records: result.records };
  }
}
