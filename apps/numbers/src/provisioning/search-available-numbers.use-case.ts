import { Injectable } from '@nestjs/common';
import { AvailableNumberView, SearchAvailableNumbersRequest } from '@fidelis/contracts';
import { TwilioNumbersClient } from './twilio-numbers.client';

/** Twilio's available local numbers, by area code and/or digits the number contains. */
@Injectable()
export class SearchAvailableNumbersUseCase {
  constructor(private readonly twilio: TwilioNumbersClient) {}

  execute(request: SearchAvailableNumbersRequest): Promise<AvailableNumberView[]> {
    return this.twilio.searchAvailable({ areaCode: request.areaCode, contains: request.contains });
  }
}
