import { Module } from '@nestjs/common';
import { UsageController } from './usage.controller';

/** `/v1/usage`: asks the broker-router (`usage.volume.get`). */
@Module({ controllers: [UsageController] })
export class UsageModule {}
