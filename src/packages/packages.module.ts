import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HostingPackage } from './package.entity';
import { PackageListDialects } from './package-list-dialect';
import { PackagesController } from './packages.controller';
import { PackagesService } from './packages.service';

@Module({
  imports: [TypeOrmModule.forFeature([HostingPackage]), DiscoveryModule],
  controllers: [PackagesController],
  providers: [PackagesService, PackageListDialects],
  exports: [PackagesService],
})
export class PackagesModule {}
