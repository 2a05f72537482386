import { type INestApplication } from '@nestjs/common';
import { mountBullBoard } from './bull-board';
import { adminUiRouter, findAdminUiDir } from './static-ui';

/** Everything under /admin: bull-board first (its own auth), then the single-page app (public). */
export function mountAdminUi(app: INestApplication, options: { dir?: string } = {}): void {
  mountBullBoard(app);
  app.use('/admin', adminUiRouter(findAdminUiDir(options.dir)));
}
