import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoutingRuleEntity } from './routing-rule.entity';
import { RoutingRulesController } from './routing-rules.controller';
import { RoutingRulesService } from './routing-rules.service';

/** `/v1/routing-rules` and the `routing-rules` configuration feed. */
@Module({
  imports: [TypeOrmModule.forFeature([RoutingRuleEntity])],
  controllers: [RoutingRulesController],
  providers: [RoutingRulesService],
})
export class RoutingModule {}
